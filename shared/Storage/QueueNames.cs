namespace Bourse.Storage;

/// <summary>Every queue the apps use, named once (the function attributes refer to these).</summary>
public static class QueueNames
{
    public const string Settlement = "settlement";
    public const string Buyback = "buyback";
}
