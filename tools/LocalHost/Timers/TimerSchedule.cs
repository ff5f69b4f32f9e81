using System.Globalization;
using NCrontab;

namespace Bourse.LocalHost.Timers;

/// <summary>
/// A timer trigger's schedule: an NCRONTAB expression (six fields, with seconds, as the Functions
/// host reads it; five fields are accepted too) or a fixed interval such as <c>00:05:00</c>. UTC.
/// </summary>
public sealed class TimerSchedule
{
    private readonly CrontabSchedule? _cron;
    private readonly TimeSpan _interval;

    private TimerSchedule(CrontabSchedule? cron, TimeSpan interval)
    {
        _cron = cron;
        _interval = interval;
    }

    public static TimerSchedule Parse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is 5 or 6)
        {
            var cron = CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields.Length == 6 })
                ?? throw new FormatException($"'{expression}' is not a valid NCRONTAB expression.");
            return new TimerSchedule(cron, TimeSpan.Zero);
        }

        return TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero
            ? new TimerSchedule(null, interval)
            : throw new FormatException($"'{expression}' is neither an NCRONTAB expression nor a positive TimeSpan.");
    }

    public DateTimeOffset Next(DateTimeOffset after) => _cron is null
        ? after + _interval
        : new DateTimeOffset(_cron.GetNextOccurrence(after.UtcDateTime), TimeSpan.Zero);
}
