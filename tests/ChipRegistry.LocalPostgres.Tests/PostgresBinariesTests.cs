using ChipRegistry.LocalPostgres;

namespace ChipRegistry.LocalPostgres.Tests;

public sealed class PostgresBinariesTests
{
    [Fact]
    public void locating_without_override_picks_the_highest_installed_version()
    {
        var installed = Directory.EnumerateDirectories("/usr/lib/postgresql")
            .Select(Path.GetFileName)
            .Select(name => int.TryParse(name, out var version) ? version : -1)
            .Where(version => version > 0 && File.Exists($"/usr/lib/postgresql/{version}/bin/initdb"))
            .ToList();
        Assert.NotEmpty(installed);

        var binaries = PostgresBinaries.TryLocate(overridden: null);

        Assert.NotNull(binaries);
        Assert.Equal(installed.Max(), binaries.MajorVersion);
        Assert.True(File.Exists(binaries.InitDb));
        Assert.True(File.Exists(binaries.PgCtl));
    }

    [Fact]
    public void an_override_directory_is_used_and_its_version_read_from_initdb()
    {
        var highest = PostgresBinaries.TryLocate(overridden: null)!;

        var overridden = PostgresBinaries.TryLocate(highest.Directory);

        Assert.NotNull(overridden);
        Assert.Equal(highest.Directory, overridden.Directory);
        Assert.Equal(highest.MajorVersion, overridden.MajorVersion);
    }

    [Fact]
    public void an_override_without_initdb_is_an_error_not_a_silent_fallback()
    {
        var empty = Directory.CreateTempSubdirectory("pgbin").FullName;
        try
        {
            var error = Assert.Throws<LocalPostgresException>(() => PostgresBinaries.TryLocate(empty));
            Assert.Contains(empty, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
