using System.Reflection;
using System.Text.RegularExpressions;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Tests.Common;

public sealed partial class DomainErrorKindsTests
{
    private static readonly Assembly Domain = typeof(DomainError).Assembly;

    /// <summary>The classes that declare error codes: every <c>*Errors</c> class, and any other with an <c>ErrorKinds</c> table.</summary>
    private static IEnumerable<Type> DeclaringTypes() =>
        Domain.GetTypes().Where(t => t.Name.EndsWith("Errors", StringComparison.Ordinal) || KindsOf(t) is not null);

    private static IReadOnlyDictionary<string, ErrorKind>? KindsOf(Type type) =>
        type.GetProperty("ErrorKinds", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) as IReadOnlyDictionary<string, ErrorKind>;

    private static IEnumerable<string> CodeConstants(Type type) =>
        type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);

    [Fact]
    public void every_error_code_constant_declares_its_kind_in_a_table_beside_it()
    {
        var types = DeclaringTypes().ToList();
        Assert.NotEmpty(types);
        var missing = new List<string>();
        foreach (var type in types)
        {
            var kinds = KindsOf(type);
            if (kinds is null)
            {
                missing.Add($"{type.Name}: no ErrorKinds table");
                continue;
            }
            missing.AddRange(CodeConstants(type).Where(code => !kinds.ContainsKey(code)).Select(code => $"{type.Name}.{code}: no kind"));
            missing.AddRange(kinds.Keys.Where(code => !CodeConstants(type).Contains(code)).Select(code => $"{type.Name}: {code} has a kind but no constant"));
            if (!DomainErrorKinds.Tables.Contains(kinds))
            {
                missing.Add($"{type.Name}: its table is not among DomainErrorKinds.Tables");
            }
        }
        Assert.Empty(missing);
    }

    [Fact]
    public void a_code_declared_by_several_features_has_one_kind()
    {
        var byCode = DomainErrorKinds.Tables.SelectMany(t => t).GroupBy(p => p.Key, p => p.Value);

        Assert.All(byCode, group => Assert.Single(group.Distinct()));
        Assert.Equal(ErrorKind.Invalid, DomainErrorKinds.Of("invalid_country"));
        Assert.Equal(ErrorKind.Refused, DomainErrorKinds.Of("not_agency"));
    }

    [Fact]
    public void an_undeclared_code_has_no_kind()
    {
        Assert.Null(DomainErrorKinds.Of("no_such_code"));
    }

    [Fact]
    public void every_code_the_sources_write_out_is_a_declared_one()
    {
        var root = RepositoryRoot();
        var undeclared = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            // A code built at run time cannot be declared: each must be a constant or a literal.
            undeclared.AddRange(BuiltCode().Matches(text).Select(match => $"{Path.GetRelativePath(root, file)}: a code built at run time ({match.Value}...)"));
            foreach (Match match in LiteralCode().Matches(text))
            {
                if (DomainErrorKinds.Of(match.Groups["code"].Value) is null)
                {
                    undeclared.Add($"{Path.GetRelativePath(root, file)}: {match.Groups["code"].Value}");
                }
            }
        }
        Assert.Empty(undeclared);
    }

    /// <summary>A code written as a literal where a domain error is made: <c>new DomainError("x", ...)</c>, <c>Reject("x", ...)</c>, <c>Error("x", ...)</c>.</summary>
    [GeneratedRegex("""\b(?:DomainError|Reject|Error)\(\s*"(?<code>[a-z0-9_]+)"\s*,""")]
    private static partial Regex LiteralCode();

    [GeneratedRegex("""\b(?:DomainError|Reject|Error)\(\s*\$""")]
    private static partial Regex BuiltCode();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ChipRegistry.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (ChipRegistry.sln) is not above the test's directory.");
    }
}
