'use strict';
// Swagger UI on this server's own OpenAPI document, fetched (and tried out) with the key the user signed in with on
// the dashboard: the key stays in sessionStorage and goes only into Authorization headers to this origin. The
// document's example server is replaced by this page's origin, so "Try it out" calls the server that served it.
(function () {
  const key = sessionStorage.getItem('faas.apiKey');
  const status = document.getElementById('docs-status');
  const headers = key ? { Authorization: 'Bearer ' + key } : {};
  fetch('/openapi.json', { headers: headers, credentials: 'omit', cache: 'no-store' })
    .then(function (response) {
      if (response.status === 401) {
        status.textContent = 'This server needs an API key: sign in on the dashboard first.';
        return null;
      }
      if (!response.ok) {
        status.textContent = 'The API document could not be read (HTTP ' + response.status + ').';
        return null;
      }
      return response.json();
    })
    .then(function (spec) {
      if (!spec) {
        return;
      }
      spec.servers = [{ url: window.location.origin }];
      window.ui = SwaggerUIBundle({
        spec: spec,
        dom_id: '#swagger-ui',
        deepLinking: false,
        validatorUrl: null,
        withCredentials: false,
        requestInterceptor: function (request) {
          if (key && new URL(request.url, window.location.href).origin === window.location.origin) {
            request.headers.Authorization = 'Bearer ' + key;
          }
          return request;
        }
      });
    })
    .catch(function () { status.textContent = 'The server did not answer.'; });
})();
