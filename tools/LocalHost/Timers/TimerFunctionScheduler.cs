using Bourse.LocalHost.Hosting;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Bourse.LocalHost.Timers;

/// <summary>Fires one timer function on its schedule, on start-up when asked, and on demand.</summary>
public sealed partial class TimerFunctionScheduler : BackgroundService
{
    private readonly FunctionDescriptor _function;
    private readonly FunctionInvoker _invoker;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private DateTimeOffset _last;

    public TimerFunctionScheduler(FunctionDescriptor function, FunctionInvoker invoker, IConfiguration configuration, TimeProvider time, ILogger<TimerFunctionScheduler> logger)
    {
        _function = function;
        _invoker = invoker;
        _time = time;
        _logger = logger;
        Expression = SettingNames.Resolve(((TimerTrigger)function.Trigger).Schedule, configuration);
        Schedule = TimerSchedule.Parse(Expression);
        _last = time.GetUtcNow();
    }

    public string Expression { get; }

    public string FunctionName => _function.Name;

    public TimerSchedule Schedule { get; }

    /// <summary>Runs the function now, outside its schedule (the admin "run now" API).</summary>
    public Task RunNowAsync(CancellationToken cancellationToken) => FireAsync(isPastDue: false, cancellationToken);

    public override void Dispose()
    {
        _oneAtATime.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.Scheduled(_logger, _function.Name, Expression, Schedule.Next(_time.GetUtcNow()));
        if (((TimerTrigger)_function.Trigger).RunOnStartup)
        {
            await TryFireAsync(isPastDue: false, stoppingToken);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var next = Schedule.Next(now);
            await Task.Delay(next - now, _time, stoppingToken);
            await TryFireAsync(isPastDue: _time.GetUtcNow() - next > TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    private async Task TryFireAsync(bool isPastDue, CancellationToken stoppingToken)
    {
        try
        {
            await FireAsync(isPastDue, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.Failed(_logger, _function.Name, e);
        }
    }

    private async Task FireAsync(bool isPastDue, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = _time.GetUtcNow();
            var info = new TimerInfo
            {
                IsPastDue = isPastDue,
                ScheduleStatus = new ScheduleStatus { Last = _last.UtcDateTime, Next = Schedule.Next(now).UtcDateTime, LastUpdated = now.UtcDateTime },
            };
            await _invoker.InvokeAsync(_function, new LocalInvocation(info, new Dictionary<string, object?>(), HttpContext: null, cancellationToken));
            _last = now;
            Log.Executed(_logger, _function.Name, isPastDue);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(300, LogLevel.Information, "'{Function}' runs on '{Schedule}', next at {Next:O}")]
        public static partial void Scheduled(ILogger logger, string function, string schedule, DateTimeOffset next);

        [LoggerMessage(301, LogLevel.Information, "Executed '{Function}' (past due: {IsPastDue})")]
        public static partial void Executed(ILogger logger, string function, bool isPastDue);

        [LoggerMessage(302, LogLevel.Error, "Executed '{Function}' (Failed)")]
        public static partial void Failed(ILogger logger, string function, Exception exception);
    }
}
