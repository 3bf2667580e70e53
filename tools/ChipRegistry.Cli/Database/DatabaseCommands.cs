using System.CommandLine;
using ChipRegistry.LocalPostgres;

namespace ChipRegistry.Cli.Database;

/// <summary>
/// <c>chipreg db</c>: the user's persistent local cluster (up, down, status) and the throwaway
/// clusters that the test command and benchmarks start (throwaway start, remove, reap).
/// </summary>
internal static class DatabaseCommands
{
    public static Command Create()
    {
        var db = new Command("db", "Manage local PostgreSQL clusters.");
        db.Subcommands.Add(Up());
        db.Subcommands.Add(Down());
        db.Subcommands.Add(Status());
        db.Subcommands.Add(Throwaway());
        return db;
    }

    private static Command Up()
    {
        var ownerPid = new Option<int?>("--owner-pid") { Description = "For scripted, temporary use: mark the new cluster as owned by this process, so it is reaped once the process is gone." };
        var command = new Command("up", "Create (first time) and start the persistent local cluster; print its connection string.");
        command.Options.Add(ownerPid);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var owner = parseResult.GetValue(ownerPid) is { } pid ? ClusterOwner.ForProcess(pid) : null;
            var pointer = await new PersistentCluster(WorkingCopy.Find(), owner: owner).UpAsync(Console.Error.WriteLine, cancellationToken);
            Console.Out.WriteLine(pointer.ConnectionString);
            return 0;
        });
        return command;
    }

    private static Command Down()
    {
        var command = new Command("down", "Stop the persistent local cluster (its data stays).");
        command.SetAction(_ =>
        {
            new PersistentCluster(WorkingCopy.Find()).Down();
            return 0;
        });
        return command;
    }

    private static Command Status()
    {
        var command = new Command("status", "Print whether the persistent local cluster is absent, stopped or running, and where it is.");
        command.SetAction(_ =>
        {
            var cluster = new PersistentCluster(WorkingCopy.Find());
            var pointer = cluster.ReadPointer();
            Console.Out.WriteLine($"status: {cluster.Status()}");
            if (pointer is not null)
            {
                Console.Out.WriteLine($"directory: {pointer.Directory}");
                Console.Out.WriteLine($"port: {pointer.Port}");
                Console.Out.WriteLine($"connection: {pointer.ConnectionString}");
            }
            return 0;
        });
        return command;
    }

    private static Command Throwaway()
    {
        var throwaway = new Command("throwaway", "Short-lived clusters for tests and benchmarks.");

        var ownerPid = new Option<int>("--owner-pid") { Description = "The process whose death makes the cluster an orphan to reap.", Required = true };
        var start = new Command("start", "Reap orphans, then create and start a cluster; print its directory, then its connection string.");
        start.Options.Add(ownerPid);
        start.SetAction(parseResult =>
        {
            var cluster = ThrowawayClusters.Start(ClusterOwner.ForProcess(parseResult.GetValue(ownerPid)), Console.Error.WriteLine);
            Console.Out.WriteLine(cluster.Directory);
            Console.Out.WriteLine(cluster.ConnectionString());
            return 0;
        });

        var directory = new Argument<string>("directory") { Description = "The cluster directory printed by 'start'." };
        var remove = new Command("remove", "Stop a throwaway cluster and delete its directory.");
        remove.Arguments.Add(directory);
        remove.SetAction(parseResult =>
        {
            ThrowawayClusters.Remove(parseResult.GetRequiredValue(directory));
            return 0;
        });

        var reap = new Command("reap", "Stop and delete every throwaway cluster whose owner process is gone.");
        reap.SetAction(_ =>
        {
            foreach (var reaped in ThrowawayClusters.Reap(log: Console.Error.WriteLine))
            {
                Console.Out.WriteLine(reaped);
            }
            return 0;
        });

        var connection = new Argument<string>("connection") { Description = "A superuser connection string to the server the tests used." };
        var prefix = new Option<string>("--prefix") { Description = "The name prefix of test databases and roles.", DefaultValueFactory = _ => "chipreg_test_" };
        var leftovers = new Command("leftovers", "List databases and roles that tests created and did not drop; exit 1 if there are any.");
        leftovers.Arguments.Add(connection);
        leftovers.Options.Add(prefix);
        leftovers.SetAction(async (parseResult, cancellationToken) =>
        {
            var names = await TestLeftovers.FindAsync(parseResult.GetRequiredValue(connection), parseResult.GetRequiredValue(prefix), cancellationToken);
            foreach (var name in names)
            {
                Console.Out.WriteLine(name);
            }
            return names.Count == 0 ? 0 : 1;
        });

        throwaway.Subcommands.Add(start);
        throwaway.Subcommands.Add(leftovers);
        throwaway.Subcommands.Add(remove);
        throwaway.Subcommands.Add(reap);
        return throwaway;
    }
}
