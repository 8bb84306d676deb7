using System.Net;
using System.Text.Json.Nodes;

namespace Dialer.Tests.Telephony.Emulator;

/// <summary>The Calls resource as docs/twilio-reference.md §1 and §7.1 describe it, through raw HTTP requests shaped like Twilio's clients send.</summary>
public sealed class RestSurfaceTests
{
    TestEmulator emulator = null!;

    [SetUp]
    public async Task StartAsync() => emulator = await TestEmulator.StartAsync();

    [TearDown]
    public async Task StopAsync() => await emulator.DisposeAsync();

    [Test]
    public async Task Create_answers_201_with_a_queued_call_in_twilios_shape()
    {
        using var response = await emulator.PostCreateAsync(("Url", emulator.Receiver.Url("/answer")));
        var body = await response.Content.ReadAsStringAsync();
        var call = JsonNode.Parse(body)!.AsObject();
        var sid = (string)call["sid"]!;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(response.Content.Headers.ContentType!.ToString(), Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(response.Headers.GetValues("Twilio-Request-Id").Single(), Does.Match("^RQ[0-9a-f]{32}$"));
            Assert.That(response.Headers.Contains("Twilio-Concurrent-Requests"), Is.True);
            Assert.That(call.Select(p => p.Key), Is.EqualTo(new[]
            {
                "sid", "account_sid", "parent_call_sid", "date_created", "date_updated", "start_time", "end_time", "to", "from", "to_formatted",
                "from_formatted", "phone_number_sid", "status", "duration", "price", "price_unit", "direction", "answered_by", "api_version",
                "forwarded_from", "caller_name", "group_sid", "trunk_sid", "queue_time", "uri", "subresource_uris", "annotation",
            }));
            Assert.That(sid, Does.Match("^CA[0-9a-f]{32}$"));
            Assert.That((string?)call["status"], Is.EqualTo("queued"));
            Assert.That((string?)call["direction"], Is.EqualTo("outbound-api"));
            Assert.That((string?)call["api_version"], Is.EqualTo("2010-04-01"));
            Assert.That((string?)call["account_sid"], Is.EqualTo(TestEmulator.Account));
            Assert.That((string?)call["date_created"], Does.Match(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$"));
            foreach (var key in new[] { "start_time", "end_time", "duration", "price", "answered_by", "parent_call_sid" })
                Assert.That(call[key], Is.Null, key);
            Assert.That((string?)call["price_unit"], Is.EqualTo("USD"));
            Assert.That(call["queue_time"]!.GetValueKind(), Is.EqualTo(System.Text.Json.JsonValueKind.String));
            Assert.That((string?)call["to"], Is.EqualTo("+393331234567"));
            Assert.That(body, Does.Contain("\"to\":\"+393331234567\""), "'+' is written as is, as Twilio does");
            Assert.That((string?)call["uri"], Is.EqualTo($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json"));
            Assert.That((string?)call["subresource_uris"]!["recordings"], Is.EqualTo($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}/Recordings.json"));
        });
    }

    [Test]
    public async Task North_american_numbers_are_formatted_and_others_stay_e164()
    {
        var call = await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")), ("To", "+14158675309"));

        Assert.Multiple(() =>
        {
            Assert.That((string?)call["to_formatted"], Is.EqualTo("(415) 867-5309"));
            Assert.That((string?)call["from_formatted"], Is.EqualTo("+390212345678"));
        });
    }

    [Test]
    public async Task Missing_credentials_get_401_20003_with_the_challenge()
    {
        using var anonymous = new HttpClient { BaseAddress = emulator.Host.BaseUrl };

        using var response = await anonymous.PostAsync(TestEmulator.CallsPath, TestEmulator.Form(("To", "+393331234567")));
        var error = await TestEmulator.JsonAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Basic realm=\"Twilio API\""));
            Assert.That(error.ToJsonString(), Is.EqualTo("""{"code":20003,"detail":"Your AccountSid or AuthToken was incorrect.","message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"""));
            Assert.That(emulator.Engine.Calls, Is.Empty);
        });
    }

    [TestCase(TestEmulator.Account, "wrong-token", TestEmulator.Account)]
    [TestCase("AC11111111111111111111111111111111", TestEmulator.AuthToken, TestEmulator.Account)]
    [TestCase(TestEmulator.Account, TestEmulator.AuthToken, "AC11111111111111111111111111111111")]
    public async Task Wrong_credentials_or_another_accounts_path_get_401(string user, string password, string pathAccount)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/2010-04-01/Accounts/{pathAccount}/Calls.json");
        request.Headers.Authorization = TestEmulator.Basic(user, password);

        using var response = await emulator.Client.SendAsync(request);

        Assert.Multiple(async () =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That((int?)(await TestEmulator.JsonAsync(response))["code"], Is.EqualTo(20003));
        });
    }

    [Test]
    public async Task An_api_key_and_its_secret_authenticate_for_the_account()
    {
        await using var withKey = await TestEmulator.StartAsync(o => o.ApiKeys["SK00000000000000000000000000000001"] = "key-secret");
        using var request = new HttpRequestMessage(HttpMethod.Get, TestEmulator.CallsPath);
        request.Headers.Authorization = TestEmulator.Basic("SK00000000000000000000000000000001", "key-secret");

        using var response = await withKey.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase(null, "+390212345678", "https://x.example/a", 21201)]
    [TestCase("+393331234567", null, "https://x.example/a", 21213)]
    [TestCase("+393331234567", "+390212345678", null, 21205)]
    [TestCase("+393331234567", "+390212345678", "not a url", 21205)]
    [TestCase("+393331234567", "+390212345678", "ftp://x.example/a", 21205)]
    [TestCase("3331234567", "+390212345678", "https://x.example/a", 21211)]
    [TestCase("+393331234567", "+390212345678abc", "https://x.example/a", 21212)]
    [TestCase("+393331234567", "+393331234567", "https://x.example/a", 21211)]
    [TestCase("+15005550001", "+390212345678", "https://x.example/a", 21217)]
    [TestCase("+15005550002", "+390212345678", "https://x.example/a", 21214)]
    [TestCase("+15005550003", "+390212345678", "https://x.example/a", 21215)]
    [TestCase("+15005550004", "+390212345678", "https://x.example/a", 21216)]
    [TestCase("+393331234567", "+15005550001", "https://x.example/a", 21212)]
    public async Task Invalid_creates_get_400_with_twilios_code_and_create_nothing(string? to, string? from, string? url, int code)
    {
        var form = new List<(string, string)>();
        if (to is not null) form.Add(("To", to));
        if (from is not null) form.Add(("From", from));
        if (url is not null) form.Add(("Url", url));

        using var response = await emulator.Client.PostAsync(TestEmulator.CallsPath, TestEmulator.Form([.. form]));
        var error = await TestEmulator.JsonAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((int?)error["code"], Is.EqualTo(code));
            Assert.That((int?)error["status"], Is.EqualTo(400));
            Assert.That((string?)error["more_info"], Is.EqualTo($"https://www.twilio.com/docs/errors/{code}"));
            Assert.That((string?)error["message"], Is.Not.Empty);
            Assert.That(emulator.Engine.Calls, Is.Empty);
        });
    }

    [TestCase("Timeout", "soon", 21208)]
    [TestCase("Method", "PUT", 21209)]
    [TestCase("StatusCallbackMethod", "DELETE", 21209)]
    [TestCase("StatusCallback", "https://bad_host.example/status", 21609)]
    public async Task Invalid_optional_parameters_get_their_own_code(string key, string value, int code)
    {
        using var response = await emulator.PostCreateAsync(("Url", "https://x.example/a"), (key, value));

        Assert.That((int?)(await TestEmulator.JsonAsync(response))["code"], Is.EqualTo(code));
    }

    [Test]
    public async Task A_from_number_the_account_does_not_own_gets_21210_and_strict_mode_refuses_unknown_parameters()
    {
        await using var strict = await TestEmulator.StartAsync(o =>
        {
            o.OwnedNumbers = ["+390212345678"];
            o.StrictParameters = true;
        });

        using var notOwned = await strict.PostCreateAsync(("Url", "https://x.example/a"), ("From", "+390299999999"));
        using var unknown = await strict.PostCreateAsync(("Url", "https://x.example/a"), ("Colour", "blue"));
        using var fine = await strict.PostCreateAsync(("Url", "https://x.example/a"));

        Assert.Multiple(async () =>
        {
            Assert.That((int?)(await TestEmulator.JsonAsync(notOwned))["code"], Is.EqualTo(21210));
            Assert.That((int?)(await TestEmulator.JsonAsync(unknown))["code"], Is.EqualTo(20001));
            Assert.That(fine.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        });
    }

    [TestCase("/2010-04-01/Accounts/" + TestEmulator.Account + "/calls.json")]
    [TestCase("/2010-04-01/Accounts/" + TestEmulator.Account + "/Calls")]
    [TestCase("/2010-04-01/Accounts/" + TestEmulator.Account + "/Calls/CA00000000000000000000000000000000.json")]
    [TestCase("/2010-04-01/Accounts/" + TestEmulator.Account + "/Calls.xml")]
    public async Task Unknown_paths_and_calls_get_404_20404_naming_the_resource(string path)
    {
        using var response = await emulator.Client.GetAsync(path);
        var error = await TestEmulator.JsonAsync(response);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(error.ToJsonString(), Is.EqualTo(
                $$"""{"code":20404,"message":"The requested resource {{path}} was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}"""));
        });
    }

    [Test]
    public async Task Fetch_shows_the_call_filling_in_as_it_advances()
    {
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");
        var created = await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer")));
        var sid = (string)created["sid"]!;
        await emulator.WaitForStatusAsync(sid, "completed");

        var call = await TestEmulator.JsonAsync(await emulator.Client.GetAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json"));

        Assert.Multiple(() =>
        {
            Assert.That((string?)call["status"], Is.EqualTo("completed"));
            Assert.That((string?)call["start_time"], Is.Not.Null);
            Assert.That((string?)call["end_time"], Is.Not.Null);
            Assert.That((string?)call["duration"], Does.Match("^[0-9]+$"));
            Assert.That((string?)call["price"], Does.Match(@"^-0\.[0-9]{5}$"));
        });
    }

    [Test]
    public async Task Cancel_while_queued_cancels_without_any_callback()
    {
        await emulator.Engine.DisposeAsync();   // no dispatcher: the call stays queued
        var created = await emulator.CreateAsync(("Url", "https://x.example/a"), ("StatusCallback", emulator.Receiver.Url("/status")));
        var sid = (string)created["sid"]!;

        using var response = await emulator.Client.PostAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{sid}.json", TestEmulator.Form(("Status", "canceled")));
        var call = await TestEmulator.JsonAsync(response);
        await Task.Delay(100);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((string?)call["status"], Is.EqualTo("canceled"));
            Assert.That(emulator.Receiver.Received, Is.Empty);
        });
    }

    [Test]
    public async Task Updates_of_an_ended_call_get_21220_and_redirects_of_a_ringing_call_too()
    {
        await using var slow = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Ring = new(600, 600) });
        var ringing = (string)(await slow.CreateAsync(("Url", "https://x.example/a"), ("Timeout", "600")))["sid"]!;
        await slow.WaitForStatusAsync(ringing, "ringing");
        var path = $"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{ringing}.json";

        using var redirect = await slow.Client.PostAsync(path, TestEmulator.Form(("Url", "https://x.example/b")));
        using var cancel = await slow.Client.PostAsync(path, TestEmulator.Form(("Status", "canceled")));
        await slow.WaitForStatusAsync(ringing, "canceled");
        using var again = await slow.Client.PostAsync(path, TestEmulator.Form(("Status", "completed")));
        using var both = await slow.Client.PostAsync(path, TestEmulator.Form(("Url", "https://x.example/b"), ("Twiml", "<Response/>")));

        Assert.Multiple(async () =>
        {
            Assert.That((int?)(await TestEmulator.JsonAsync(redirect))["code"], Is.EqualTo(21220));
            Assert.That(cancel.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That((int?)(await TestEmulator.JsonAsync(again))["code"], Is.EqualTo(21220));
            Assert.That(both.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        });
    }

    [Test]
    public async Task List_filters_sorts_newest_first_and_pages_with_a_page_token()
    {
        await emulator.Engine.DisposeAsync();   // everything stays queued, so the filters see stable data
        var sids = new List<string>();
        for (var i = 0; i < 5; i++)
            sids.Add((string)(await emulator.CreateAsync(("Url", "https://x.example/a"), ("To", $"+39333000000{i % 2}")))["sid"]!);

        var first = await TestEmulator.JsonAsync(await emulator.Client.GetAsync(TestEmulator.CallsPath + "?To=%2B393330000000&PageSize=2"));
        var next = await TestEmulator.JsonAsync(await emulator.Client.GetAsync((string)first["next_page_uri"]!));
        var started = await TestEmulator.JsonAsync(await emulator.Client.GetAsync(TestEmulator.CallsPath + "?StartTime%3E=2020-01-01"));

        Assert.Multiple(() =>
        {
            Assert.That(first["calls"]!.AsArray().Select(c => (string)c!["sid"]!), Is.EqualTo(new[] { sids[4], sids[2] }));
            Assert.That((int?)first["page_size"], Is.EqualTo(2));
            Assert.That((string?)first["uri"], Does.StartWith($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls.json?To=%2B393330000000&PageSize=2&Page=0"));
            Assert.That((string?)first["next_page_uri"], Does.Contain("PageToken=PA" + sids[2]));
            Assert.That(next["calls"]!.AsArray().Select(c => (string)c!["sid"]!), Is.EqualTo(new[] { sids[0] }));
            Assert.That(next["next_page_uri"], Is.Null);
            Assert.That(started["calls"]!.AsArray(), Is.Empty, "queued calls have no start_time, so StartTime filters skip them");
        });
    }

    [Test]
    public async Task Delete_refuses_a_live_call_and_removes_an_ended_one()
    {
        emulator.Receiver.Respond("/answer", "<Response><Hangup/></Response>");
        await using var slow = await TestEmulator.StartAsync(o => o.DefaultProfile = o.DefaultProfile with { Ring = new(600, 600) });
        var live = (string)(await slow.CreateAsync(("Url", "https://x.example/a"), ("Timeout", "600")))["sid"]!;
        var ended = (string)(await emulator.CreateAsync(("Url", emulator.Receiver.Url("/answer"))))["sid"]!;
        await emulator.WaitForStatusAsync(ended, "completed");

        using var refused = await slow.Client.DeleteAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{live}.json");
        using var deleted = await emulator.Client.DeleteAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{ended}.json");
        using var gone = await emulator.Client.GetAsync($"/2010-04-01/Accounts/{TestEmulator.Account}/Calls/{ended}.json");

        Assert.Multiple(() =>
        {
            Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
            Assert.That(gone.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        });
    }

    [Test]
    public void Non_loopback_addresses_are_refused_with_a_clear_error()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => Dialer.Worker.Telephony.Emulator.EmulatorHost.RequireLoopback("http://0.0.0.0:5081"),
                Throws.ArgumentException.With.Message.Contains("loopback only"));
            Assert.That(() => Dialer.Worker.Telephony.Emulator.EmulatorHost.RequireLoopback("http://192.168.1.10:5081"), Throws.ArgumentException);
            Assert.That(() => Dialer.Worker.Telephony.Emulator.EmulatorHost.RequireLoopback("http://*:5081"), Throws.ArgumentException);
            Assert.That(() => Dialer.Worker.Telephony.Emulator.EmulatorHost.RequireLoopback("http://127.0.0.1:5081"), Throws.Nothing);
            Assert.That(() => Dialer.Worker.Telephony.Emulator.EmulatorHost.RequireLoopback("http://localhost:0"), Throws.Nothing);
        });
    }
}
