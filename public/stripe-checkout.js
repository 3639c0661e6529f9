// Mounts Stripe's Payment Element on the pay step and confirms the PaymentIntent in the
// browser: card data goes from this page to Stripe, never to the store's server. Stripe
// then sends the shopper to /checkout/complete, and the webhook confirms the order.
(function () {
  var form = document.getElementById("stripe-form");
  if (!form || typeof Stripe === "undefined") return;
  if (form.dataset.mounted) return;
  form.dataset.mounted = "1";
  var stripe = Stripe(form.dataset.key);
  var elements = stripe.elements({ clientSecret: form.dataset.secret });
  elements.create("payment").mount("#payment-element");
  var error = document.getElementById("stripe-error");
  var button = document.getElementById("stripe-submit");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    error.hidden = true;
    stripe
      .confirmPayment({
        elements: elements,
        confirmParams: { return_url: new URL(form.dataset.return, location.href).href },
      })
      .then(function (result) {
        // Only reached on an immediate error; success leaves the page.
        if (result.error) {
          error.textContent = result.error.message;
          error.hidden = false;
          button.disabled = false;
        }
      });
  });
})();
