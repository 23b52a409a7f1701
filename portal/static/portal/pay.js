// The card form of a deposit or an invoice. The card is saved through a SetupIntent in the browser (Stripe.js
// card element); the server then charges it and answers whether the bank wants a 3-D Secure
// check, which confirmCardPayment shows. The same steps work with Stripe and with localstripe.
(function () {
  "use strict";
  var form = document.getElementById("pay-form");
  if (!form || typeof Stripe === "undefined") return;
  var stripe = Stripe(form.dataset.key);
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  var button = document.getElementById("pay-button");
  var errors = document.getElementById("card-errors");
  var label = button.textContent;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fail(message) {
    errors.textContent = message;
    errors.hidden = false;
    button.disabled = false;
    button.textContent = label;
  }

  function post(url, data) {
    var body = new URLSearchParams(data || {});
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().catch(function () {
        return { ok: false, message: "Something went wrong. Nothing was charged twice: reload the page to see where things stand." };
      });
    });
  }

  function after(answer) {
    // A declined charge used up this card form: the page opens a new one and says why.
    if (answer.reload) return window.location.reload();
    if (!answer.ok) return fail(answer.message);
    if (!answer.action) {
      window.location.assign(answer.next);
      return;
    }
    button.textContent = "Waiting for your bank…";
    stripe.confirmCardPayment(answer.action).then(function () {
      // Whatever the browser says, the server asks Stripe how the payment went.
      return post(answer["return"]);
    }).then(function (final) {
      if (final.reload) return window.location.reload();
      if (!final.ok) return fail(final.message);
      window.location.assign(final.next);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    button.disabled = true;
    button.textContent = "Paying…";
    errors.hidden = true;
    stripe.confirmCardSetup(form.dataset.secret, { payment_method: { card: card } }).then(function (result) {
      if (result.error) return fail(result.error.message);
      var setup = result.setupIntent;
      // Every field of the form goes with the saved card (an invoice's amount, say).
      var data = new FormData(form);
      data.set("setup_intent", setup.id);
      return post(form.action, data).then(after);
    }).catch(function () {
      fail("The payment could not be sent. Check your connection and try again.");
    });
  });
})();
