using System.CommandLine;
using ChipRegistry.Cli.Database;

var root = new RootCommand("chipreg: the ChipRegistry command line (local database and operations).");
root.Subcommands.Add(DatabaseCommands.Create());
return await root.Parse(args).InvokeAsync();
