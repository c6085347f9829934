// Progressive enhancement: show only the inputs the chosen category needs.
// Without JavaScript every group stays visible and the form works the same.
(function () {
  "use strict";
  var form = document.querySelector(".calculator-form");
  if (!form) return;
  var category = form.querySelector("#id_price_category");
  var groups = form.querySelectorAll("fieldset[data-categories]");
  var zoneSets = form.querySelectorAll(".zone-set[data-scheme]");
  var planned = form.querySelector("[data-only='5 6']");

  function schemeChosen() {
    var checked = form.querySelector("input[name='zone_scheme']:checked");
    return checked ? checked.value : "2";
  }

  function update() {
    var chosen = category.value;
    groups.forEach(function (group) {
      // A group with an error message stays visible, whatever the category.
      group.hidden = group.dataset.categories.split(" ").indexOf(chosen) === -1 &&
        !group.querySelector(".has-error");
    });
    zoneSets.forEach(function (set) {
      set.hidden = set.dataset.scheme !== schemeChosen() && !set.querySelector(".has-error");
    });
    if (planned) planned.hidden = chosen !== "5" && chosen !== "6";
  }

  form.addEventListener("change", update);
  update();
})();
