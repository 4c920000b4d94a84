using Kaito.Cli;

return KaitoCli.Run(args, Console.Out, Console.Error);
