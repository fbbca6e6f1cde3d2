// Cool places: "use my location" fills the form's point from the browser's
// geolocation and submits it. Without JavaScript or geolocation the district
// list is the way to search, so the button stays hidden.
(function () {
  "use strict";
  var button = document.getElementById("cool-locate");
  var form = document.getElementById("cool-search");
  if (!button || !form || !navigator.geolocation) {
    return;
  }
  var status = document.getElementById("cool-locate-status");
  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("field-lat").value = pos.coords.latitude.toFixed(5);
      document.getElementById("field-lon").value = pos.coords.longitude.toFixed(5);
      document.getElementById("field-district").value = "";
      form.submit();
    }, function () {
      button.disabled = false;
      status.textContent = button.getAttribute("data-failed");
    }, { maximumAge: 600000, timeout: 10000 });
  });
})();
