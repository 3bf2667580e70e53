using System.CommandLine;
using ChipRegistry.Cli.Database;
using ChipRegistry.Cli.Keys;

var root = new RootCommand("chipreg: the ChipRegistry command line (local database and operations).");
root.Subcommands.Add(DatabaseCommands.Create());
root.Subcommands.Add(KeyCommands.Create());
return await root.Parse(args).InvokeAsync();
