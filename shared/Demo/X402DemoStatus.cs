namespace Bourse.Demo;

/// <summary>How a demo call ended; mapped to HTTP in one place (the function).</summary>
public enum X402DemoStatus
{
    Paid,
    Off,
    BadRequest,
    ClientLimited,
    DailyCapReached,
    /// <summary>The rail did not answer with a payable 402 (no exact USDC offer on our network, or too dear).</summary>
    NoPayableQuote,
    /// <summary>The payment or the paid call failed (the rail's own message is in the detail).</summary>
    PaymentFailed,
}
