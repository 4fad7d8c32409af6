// Shows what scripts on this page can read of the cookies: the HttpOnly session cookie is not among them.
const output = document.getElementById('document-cookie');
if (output) output.textContent = JSON.stringify(document.cookie);
