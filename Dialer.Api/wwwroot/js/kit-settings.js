// Settings Bootstrap Italia's bundle reads as it loads: the layout loads this file just before it (both deferred, so
// they run in that order). Nothing inline: the Content-Security-Policy forbids it (docs/security-and-configuration.md).

// video.js, inside the bundle, would otherwise add a <style> element on every page, which the policy refuses (and
// reports in the console). No page of ours plays video.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
