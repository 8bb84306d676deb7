using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dialer.Core.Telemetry;

namespace Dialer.Tests.Telemetry;

/// <summary>
/// Everything recorded on the Dialer meter while it lives, by instrument and tags, summed over every process of the
/// test (API and workers each have their own meter). Tests run one at a time, so nothing else records meanwhile.
/// </summary>
public sealed class DialerMeasurements : IDisposable
{
    readonly MeterListener listener = new();
    readonly ConcurrentDictionary<string, double> sums = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, double> gauges = new(StringComparer.Ordinal);

    public DialerMeasurements()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == DialerMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        listener.Start();
    }

    /// <summary>The sum of what was added to <paramref name="instrument"/> with all these tags (and any others).</summary>
    public double Sum(string instrument, params (string Key, object Value)[] tags) =>
        sums.Where(s => Matches(s.Key, instrument, tags)).Sum(s => s.Value);

    /// <summary>Asks the observable instruments (the queue depth) for a reading now; the sum of the last readings that match.</summary>
    public double Observe(string instrument, params (string Key, object Value)[] tags)
    {
        gauges.Clear();
        listener.RecordObservableInstruments();
        return gauges.Where(s => Matches(s.Key, instrument, tags)).Sum(s => s.Value);
    }

    public void Dispose() => listener.Dispose();

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var key = instrument.Name + "|" + string.Join("|", tags.ToArray().OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}"));
        if (instrument is ObservableInstrument<long>) gauges[key] = value;
        else sums.AddOrUpdate(key, value, (_, sum) => sum + value);
    }

    static bool Matches(string key, string instrument, (string Key, object Value)[] tags) =>
        key.Split('|')[0] == instrument && tags.All(t => key.Split('|').Contains($"{t.Key}={t.Value}"));
}
