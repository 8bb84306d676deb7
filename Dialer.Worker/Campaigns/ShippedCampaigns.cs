using Dialer.Core.Campaigns;

namespace Dialer.Worker.Campaigns;

/// <summary>
/// The campaign files shipped in <c>deploy/campaigns</c> (copied beside the executable, folder <c>campaigns</c>), which
/// <c>dialer demo</c> applies to a database that lacks them, so that the demo has campaigns and their nightly selection
/// jobs show in <c>/hangfire</c>. A campaign already there (by slug) is left as it is: the demo never undoes an edit.
/// </summary>
public static class ShippedCampaigns
{
    public static string Folder => Path.Combine(AppContext.BaseDirectory, "campaigns");

    /// <summary>Applies each file of <paramref name="folder"/> whose campaign is missing; returns the slugs applied.</summary>
    public static async Task<IReadOnlyList<string>> ApplyMissingAsync(CampaignStore store, string folder, CancellationToken ct)
    {
        if (!Directory.Exists(folder)) return [];
        var applied = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var definition = CampaignDefinition.Parse(await File.ReadAllTextAsync(file, ct), Path.GetFileNameWithoutExtension(file));
            if (await store.FindAsync(definition.Slug, ct) is not null) continue;
            await store.ApplyAsync(definition, ct);
            applied.Add(definition.Slug);
        }
        return applied;
    }
}
