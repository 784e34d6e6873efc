// The theme choice lives in a cookie (not localStorage) so the server renders the right theme on
// the very first paint after a reload: no flash of the wrong colours.
window.orchestrationMaint = {
  setTheme: function (mode) {
    document.cookie = "om-theme=" + encodeURIComponent(mode) + "; path=/; max-age=31536000; samesite=lax";
  }
};
