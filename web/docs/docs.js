// The browsable reference: Swagger UI over this server's own OpenAPI
// document. "Try it out" calls this server, with the credentials given under
// "Authorize" (a session id, Basic, a fingerprint or a request token).
window.SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#reference",
  deepLinking: true,
  docExpansion: "list",
  defaultModelsExpandDepth: 0,
  tryItOutEnabled: false,
  persistAuthorization: false,
  validatorUrl: null,
});
