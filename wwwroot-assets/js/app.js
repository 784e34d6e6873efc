// The theme choice lives in a cookie (not localStorage) so the server renders the right theme on
// the very first paint after a reload: no flash of the wrong colours.
window.orchestrationMaint = {
  setTheme: function (mode) {
    document.cookie = "om-theme=" + encodeURIComponent(mode) + "; path=/; max-age=31536000; samesite=lax";
  }
};

// A run's live output follows new lines while the reader is at the bottom, and stops following as
// soon as they scroll up to read; scrolling back to the bottom resumes it.
window.orchestrationMaint.followOutput = function (element) {
  if (!element || element.dataset.follow) { return; }
  element.dataset.follow = "true";
  element.dataset.pinned = "true";
  element.addEventListener("scroll", function () {
    var atBottom = element.scrollTop + element.clientHeight >= element.scrollHeight - 24;
    element.dataset.pinned = atBottom ? "true" : "false";
  });
};
window.orchestrationMaint.scrollIfPinned = function (element) {
  if (element && element.dataset.pinned !== "false") { element.scrollTop = element.scrollHeight; }
};

// The browser's IANA time zone, so the server can show stored UTC times as the operator's clock reads.
window.orchestrationMaint.timeZone = function () {
  try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
};
