// «Оплатить»: choosing what to pay fills in the amount due for it, unless the payer
// already typed another amount. Without JavaScript the links under the choice do it.
(function () {
  var form = document.querySelector("form[data-pay-form]");
  if (!form) return;
  var amount = form.querySelector("input[name=amount]");
  var filled = amount.value;
  form.querySelectorAll("input[name=purpose]").forEach(function (radio) {
    radio.addEventListener("change", function () {
      if (amount.value === filled && radio.dataset.amount) {
        amount.value = radio.dataset.amount;
        filled = amount.value;
      }
    });
  });
})();
