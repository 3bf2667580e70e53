using Npgsql;

namespace ChipRegistry.EventStore.Tests;

public sealed class SchemaNameTests
{
    [Theory]
    [InlineData("chipregistry")]
    [InlineData("_private")]
    [InlineData("es_0a1b2c")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void valid_schema_names_are_accepted_and_quoted(string name)
    {
        var schema = SchemaName.Parse(name);

        Assert.Equal(name, schema.Value);
        Assert.Equal($"\"{name}\"", schema.Quoted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Chips")]
    [InlineData("1chips")]
    [InlineData("chips-registry")]
    [InlineData("chips\"; drop schema public; --")]
    [InlineData("chips registry")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void invalid_schema_names_are_rejected(string name) =>
        Assert.Throws<ArgumentException>(() => SchemaName.Parse(name));

    [Fact]
    public async Task a_store_with_an_invalid_schema_name_does_not_start()
    {
        await using var dataSource = new NpgsqlDataSourceBuilder("Host=localhost").UseNodaTime().Build();
        var options = new EventStoreOptions(new EventTypeRegistry()) { Schema = "Bad\"Name" };

        await Assert.ThrowsAsync<ArgumentException>(() => PostgresEventStore.StartAsync(dataSource, options, TestContext.Current.CancellationToken));
    }
}
