using System.Text.RegularExpressions;
using ChipRegistry.Domain.Common;

namespace ChipRegistry.Domain.Tests.Common;

public partial class DomainEventNamesTests
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    [Fact]
    public void every_event_type_has_a_stored_name()
    {
        var eventTypes = typeof(IDomainEvent).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t));
        Assert.Empty(eventTypes.Where(t => !DomainEventNames.ByType.ContainsKey(t)).Select(t => t.Name));
    }

    [Fact]
    public void stored_names_are_unique_snake_case_and_round_trip()
    {
        var names = DomainEventNames.ByType.Values.ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.All(names, n => Assert.Matches(SnakeCase(), n));
        Assert.All(DomainEventNames.ByType, p => Assert.Equal(p.Key, DomainEventNames.TypeOf(p.Value)));
    }

    [Fact]
    public void event_type_names_read_subject_then_past_verb() =>
        Assert.All(DomainEventNames.ByType.Keys, t => Assert.EndsWith("ed", t.Name, StringComparison.Ordinal));
}
