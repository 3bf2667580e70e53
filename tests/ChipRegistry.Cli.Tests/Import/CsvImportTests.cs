using System.Text.Json;

namespace ChipRegistry.Cli.Tests.Import;

/// <summary><c>chipreg import --csv</c> as a child process against the API on Kestrel and a real PostgreSQL.</summary>
public sealed class CsvImportTests(ImportApi api) : IClassFixture<ImportApi>
{
    private const string Header = "act,chip_id,occurred_at,buyer_id,destination_country,consignee_id,end_user_id,country";

    private async Task<Chipreg.Result> ImportAsync(string key, string csv, params string[] options)
    {
        var file = Path.Combine(Path.GetTempPath(), $"chipreg-import-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(file, csv, TestContext.Current.CancellationToken);
        try
        {
            return await Chipreg.RunAsync(AppContext.BaseDirectory, null, ["import", "--csv", file, "--api", api.Url, "--key", key, .. options]);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string Csv(params string[] rows) => string.Join('\n', [Header, .. rows]) + "\n";

    [Fact]
    public async Task a_good_file_imports_in_batches_of_consecutive_rows_of_one_act_and_the_chips_move()
    {
        var chips = await api.LotAsync(3);
        var maker = Csv([
            .. chips.Select(c => $"sale-offer,{c},,imp-op,,,,"),
            .. chips.Select(c => $"shipment,{c},,,AE,imp-op,imp-op,"),
        ]);
        var buyer = Csv([
            .. chips.Select(c => $"sale-acceptance,{c},,,,,,"),
            .. chips.Select(c => $"receipt,{c},,,,,,AE"),
        ]);

        var sold = await ImportAsync(api.MakerKey, maker, "--json", "--batch-size", "2");
        var received = await ImportAsync(api.OperatorKey, buyer, "--json");

        Assert.True(sold.ExitCode == 0, sold.Error + sold.Output);
        Assert.True(received.ExitCode == 0, received.Error + received.Output);
        using var summary = JsonDocument.Parse(sold.Output);
        // Two acts of three rows each, at most two rows a batch: 2 + 1 batches per act.
        Assert.Equal((6, 6, 4, 4, 0), (summary.RootElement.GetProperty("rows").GetInt32(), summary.RootElement.GetProperty("importedRows").GetInt32(),
            summary.RootElement.GetProperty("batches").GetInt32(), summary.RootElement.GetProperty("importedBatches").GetInt32(), summary.RootElement.GetProperty("failedBatches").GetInt32()));
        foreach (var chipId in chips)
        {
            var chip = await api.ChipAsync(api.OperatorKey, chipId);
            Assert.Equal(("imp-op", "imp-op"), (chip.GetProperty("ownerId").GetString(), chip.GetProperty("custodianId").GetString()));
        }
        Assert.Equal(5L * chips.Length, await api.EventCountAsync(chips));
    }

    [Fact]
    public async Task a_bad_row_is_named_by_its_row_and_column_and_its_batch_changes_nothing()
    {
        var chips = await api.LotAsync(3);

        var unknownBuyer = await ImportAsync(api.MakerKey, Csv($"sale-offer,{chips[0]},,imp-op,,,,", $"sale-offer,{chips[1]},,imp-nobody,,,,", $"sale-offer,{chips[2]},,imp-op,,,,"));
        var unknownAct = await ImportAsync(api.MakerKey, Csv($"sale-offer,{chips[0]},,imp-op,,,,", $"sale-offr,{chips[1]},,imp-op,,,,"));
        var foreignCell = await ImportAsync(api.MakerKey, Csv($"sale-offer,{chips[0]},,imp-op,,,,AE"));

        Assert.Equal(1, unknownBuyer.ExitCode);
        Assert.Contains("row 3, column buyer_id: 422 unknown_organisation", unknownBuyer.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknownAct.ExitCode);
        Assert.Contains("row 3, column act: invalid_row", unknownAct.Error, StringComparison.Ordinal);
        Assert.Equal(1, foreignCell.ExitCode);
        Assert.Contains("row 2, column country: invalid_row", foreignCell.Error, StringComparison.Ordinal);
        // Each chip still holds only its fabrication: no batch with a bad row appended anything.
        Assert.Equal(chips.Length, await api.EventCountAsync(chips));
    }

    [Fact]
    public async Task with_partial_the_batches_after_a_refused_one_go_on()
    {
        var chips = await api.LotAsync(3);
        var csv = Csv($"sale-offer,{chips[0]},,imp-op,,,,", $"sale-offer,{chips[1]},,imp-nobody,,,,", $"sale-offer,{chips[2]},,imp-op,,,,");

        var stopped = await ImportAsync(api.MakerKey, csv, "--batch-size", "1", "--json");
        var afterStop = await api.EventCountAsync(chips);
        var partial = await ImportAsync(api.MakerKey, csv, "--batch-size", "1", "--partial", "--json");

        Assert.Equal(1, stopped.ExitCode);
        Assert.True(JsonDocument.Parse(stopped.Output).RootElement.GetProperty("stopped").GetBoolean());
        Assert.Equal(chips.Length + 1L, afterStop);
        Assert.Equal(1, partial.ExitCode);
        using var summary = JsonDocument.Parse(partial.Output);
        Assert.Equal((2, 1), (summary.RootElement.GetProperty("importedBatches").GetInt32(), summary.RootElement.GetProperty("failedBatches").GetInt32()));
        Assert.Equal(3, summary.RootElement.GetProperty("failures")[0].GetProperty("row").GetInt32());
        Assert.Equal(chips.Length + 2L, await api.EventCountAsync(chips));
    }

    [Fact]
    public async Task running_the_same_file_again_appends_nothing_more()
    {
        var chips = await api.LotAsync(4);
        var csv = Csv([.. chips.Select(c => $"sale-offer,{c},,imp-op,,,,")]);

        var first = await ImportAsync(api.MakerKey, csv, "--batch-size", "3");
        var afterFirst = await api.EventCountAsync(chips);
        var again = await ImportAsync(api.MakerKey, csv, "--batch-size", "3");

        Assert.True(first.ExitCode == 0, first.Error + first.Output);
        Assert.True(again.ExitCode == 0, again.Error + again.Output);
        Assert.Equal(2L * chips.Length, afterFirst);
        Assert.Equal(afterFirst, await api.EventCountAsync(chips));
    }
}
