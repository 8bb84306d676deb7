namespace Dialer.Api.Security;

/// <summary>
/// The three roles as claims, and the authorization policies named after them (docs/accounts.md). A supervisor's
/// policy admits admins too; the operator's admits only operators, since operator routes act as the signed-in operator.
/// </summary>
public static class Roles
{
    public const string Operator = "operator";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    /// <summary>Any signed-in role: the fallback policy of every page and endpoint that does not name one.</summary>
    public const string AnyRole = "any-role";
}
