using Microsoft.AspNetCore.Mvc.TagHelpers;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.Routing;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Dialer.Api.Pages;

/// <summary>
/// <c>&lt;icon name="it-user" class="icon-white" /&gt;</c>: an icon of Bootstrap Italia's sprite, served from our own origin
/// (wwwroot/lib). Decorative (hidden from screen readers): the text beside it says what it means, never the icon alone.
/// </summary>
[HtmlTargetElement("icon", Attributes = "name", TagStructure = TagStructure.WithoutEndTag)]
public sealed class IconTagHelper(IUrlHelperFactory urls) : TagHelper
{
    public const string Sprite = "~/lib/bootstrap-italia/svg/sprites.svg";

    /// <summary>The symbol's id in the sprite, e.g. <c>it-check-circle</c>.</summary>
    public string Name { get; set; } = "";

    [ViewContext, HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        output.TagName = "svg";
        output.TagMode = TagMode.StartTagAndEndTag;
        output.AddClass("icon", System.Text.Encodings.Web.HtmlEncoder.Default);
        output.Attributes.SetAttribute("aria-hidden", "true");
        output.Attributes.SetAttribute("focusable", "false");
        var href = urls.GetUrlHelper(ViewContext).Content(Sprite) + "#" + Name;
        var use = new TagBuilder("use");
        use.Attributes["href"] = href;
        output.Content.SetHtmlContent(use);
    }
}
