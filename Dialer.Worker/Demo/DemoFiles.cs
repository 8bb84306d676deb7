namespace Dialer.Worker.Demo;

/// <summary>The files shipped with the demo in deploy/demo, copied beside the executable (folder <c>demo</c>).</summary>
public static class DemoFiles
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "demo");

    /// <summary>Afol Metropolitana's CPIs and the comuni each serves (illustrative where the real table is unknown).</summary>
    public const string Territory = "territorio-afol-esempio.json";

    /// <summary>The live floor's campaign over the Milan pool, after the scenario.</summary>
    public const string LiveCampaign = "bacino-milano.json";
}
