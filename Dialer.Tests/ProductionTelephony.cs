namespace Dialer.Tests;

/// <summary>
/// Settings an API needs to start in the Production environment, which refuses the emulator: a Twilio account
/// that the tests never call.
/// </summary>
public static class ProductionTelephony
{
    public static readonly IReadOnlyDictionary<string, string?> Settings = new Dictionary<string, string?>
    {
        ["Telephony:Provider"] = "Twilio",
        ["Twilio:AccountSid"] = "AC0123456789abcdef0123456789abcdef",
        ["Twilio:AuthToken"] = "a-token-no-test-signs-with",
        ["Twilio:From"] = "+390212345678",
        ["Twilio:PublicBaseUrl"] = "https://dialer.example.it",
    };
}
