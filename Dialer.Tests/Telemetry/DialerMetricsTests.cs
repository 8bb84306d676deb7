using System.Net;
using System.Text;
using Dialer.Core.Telemetry;
using Dialer.Tests.Dialing;
using Dialer.Tests.Notices;

namespace Dialer.Tests.Telemetry;

/// <summary>The Dialer meter moves when the real flows run: dialing through the emulator, and an import.</summary>
public sealed class DialerMetricsTests : DatabaseTest
{
    DialingRig? rig;

    [TearDown]
    public async Task StopAsync()
    {
        if (rig is not null) await rig.DisposeAsync();
    }

    [Test]
    public async Task A_progressive_call_moves_the_call_counters_the_cps_slots_and_the_queue_depth()
    {
        using var measured = new DialerMeasurements();
        rig = await DialingRig.StartAsync();
        var campaign = await rig.CampaignAsync();
        await rig.EnqueueAsync(campaign, 2);
        await rig.OperatorsAsync("anna");
        await rig.StartWorkerAsync();

        // One operator: one call, answered and talked; the second person waits while anna owes a disposition.
        Assert.That(await Eventually.TrueAsync(async () => (await DialingRig.AttemptsAsync()).Count(a => a.State == "ended") == 1
            && await DialingRig.PresenceAsync("anna") == "wrap_up"
            && measured.Sum("dialer.calls.completed") == 1, TimeSpan.FromSeconds(30)), Is.True);

        var inCampaign = (DialerMetrics.CampaignTag, (object)campaign);
        Assert.Multiple(() =>
        {
            Assert.That(measured.Sum("dialer.calls.placed", inCampaign, ("dialer.mode", "progressive")), Is.EqualTo(1));
            Assert.That(measured.Sum("dialer.calls.answered", inCampaign), Is.EqualTo(1));
            Assert.That(measured.Sum("dialer.calls.completed", inCampaign, ("dialer.outcome", "answered")), Is.EqualTo(1));
            Assert.That(measured.Sum("dialer.calls.abandoned"), Is.Zero, "progressive mode reserves the operator first");
            Assert.That(measured.Sum("dialer.cps.slots"), Is.EqualTo(1), "one create, one slot of the CPS budget");
            Assert.That(measured.Observe("dialer.queue.depth", inCampaign, ("dialer.queue.bucket", "due")), Is.EqualTo(1), "the second person");
            Assert.That(measured.Observe("dialer.queue.depth", inCampaign, ("dialer.queue.bucket", "waiting")), Is.Zero);
        });
    }

    [Test]
    public async Task An_uploaded_file_counts_its_accepted_and_quarantined_rows()
    {
        using var measured = new DialerMeasurements();
        using var app = new DialerApp();
        using var form = new MultipartFormDataContent();
        var csv = CsvNotice.File(new CsvNotice(), new CsvNotice() with { Code = "0300024000000002", Contract = "X.00.00" });
        form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)), "files", "upload.csv");

        var response = await app.Admin.PostAsync("/api/notices", form);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(measured.Sum("dialer.import.rows", ("dialer.import.result", "accepted")), Is.EqualTo(1));
            Assert.That(measured.Sum("dialer.import.rows", ("dialer.import.result", "quarantined")), Is.EqualTo(1));
        });
    }
}
