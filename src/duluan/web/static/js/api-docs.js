// Renders the OpenAPI description with the locally served Swagger UI bundle.
window.addEventListener("load", () => {
  const target = document.getElementById("swagger-ui");
  if (target && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({ url: target.dataset.openapiUrl, dom_id: "#swagger-ui" });
  }
});
