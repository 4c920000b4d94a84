namespace Kaito.Cli;

public static class ExitCodes
{
    public const int Ok = 0;
    public const int DoesNotFit = 1;
    public const int BadInput = 2;
}
