// The page's JavaScript, bundled by esbuild into the static folder.
// A React component, mounted on #server-info, that renders JSON from Flask.
import { StrictMode, useCallback, useEffect, useState } from "react";
import { createRoot } from "react-dom/client";

import { csrfFetch } from "./csrf.js";

function ServerInfo({ url }) {
  const [info, setInfo] = useState(null);
  const [error, setError] = useState(null);

  const load = useCallback(async () => {
    try {
      const response = await csrfFetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      setInfo(await response.json());
      setError(null);
    } catch (caught) {
      setError(caught.message);
    }
  }, [url]);

  useEffect(() => {
    load();
  }, [load]);

  return (
    <>
      {error ? (
        <p className="notice">Could not load: {error}</p>
      ) : info ? (
        <p id="server-message">
          {info.message} at <time dateTime={info.served_at}>{info.served_at}</time>
        </p>
      ) : (
        <p>Loading…</p>
      )}
      <button type="button" className="button" onClick={load}>
        Ask again
      </button>
    </>
  );
}

const root = document.getElementById("server-info");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <ServerInfo url={root.dataset.url} />
    </StrictMode>,
  );
}

// fetch() with the CSRF token on POST, PUT, PATCH and DELETE, for the
// components of your own (and for other modules that import the bundle).
export { csrfFetch };
