using Kaito.Operator;

await OperatorHost.Build(args).RunAsync();
