// The theme choice lives in a cookie (not localStorage) so the server renders the right theme on
// the very first paint after a reload: no flash of the wrong colours.
window.orchestrationMaint = {
  setTheme: function (mode) {
    document.cookie = "om-theme=" + encodeURIComponent(mode) + "; path=/; max-age=31536000; samesite=lax";
  }
};

// The browser's time zone, for showing stored UTC times locally: kept in a cookie so the server
// renders local times on the first paint, and returned to the circuit when it starts.
window.orchestrationMaint.timeZone = function () {
  var zone = "UTC";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (e) { }
  document.cookie = "om-tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
  return zone;
};
window.orchestrationMaint.timeZone();

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

// A link to one card of a page (the runbook's task links): brought into view once it is rendered.
window.orchestrationMaint.scrollToId = function (id) {
  var element = document.getElementById(id);
  if (element) { element.scrollIntoView({ block: "center" }); }
};
