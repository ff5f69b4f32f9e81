namespace Bourse.Buyback;

public enum PlanWrite
{
    Planned,
    Exists,
    Moved,
}
