// Renders the OpenAPI description with the locally served Swagger UI bundle.
window.addEventListener("load", () => {
  const target = document.getElementById("swagger-ui");
  if (target && window.SwaggerUIBundle) {
    // validatorUrl: null keeps the page from calling the public validator (air-gapped).
    window.SwaggerUIBundle({ url: target.dataset.openapiUrl, dom_id: "#swagger-ui", validatorUrl: null });
  }
});
