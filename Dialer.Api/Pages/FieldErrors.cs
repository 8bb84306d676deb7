namespace Dialer.Api.Pages;

/// <summary>
/// Core's validation messages ("field: what is wrong") as a form shows them: the message next to its field and in the
/// error summary, keyed by the field's name (which is also the input's id).
/// </summary>
static class FieldErrors
{
    public static IReadOnlyDictionary<string, string> ByField(IEnumerable<string> errors)
    {
        var byField = new Dictionary<string, string>();
        foreach (var error in errors)
        {
            var colon = error.IndexOf(':');
            var field = colon > 0 ? error[..colon].Trim() : "";
            var message = colon > 0 ? error[(colon + 1)..].Trim() : error.Trim();
            if (message.Length > 0) message = char.ToUpperInvariant(message[0]) + message[1..];
            byField[field] = byField.TryGetValue(field, out var earlier) ? $"{earlier} {message}" : message;
        }
        return byField;
    }
}
