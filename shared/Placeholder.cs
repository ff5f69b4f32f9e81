namespace Bourse;

public static class BourseInfo
{
    public static string Version { get; } = typeof(BourseInfo).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
