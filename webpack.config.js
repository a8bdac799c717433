/* Builds the Excel add-in: one page (taskpane.html) hosts the task pane and the =TOMS.* custom
 * functions in Excel's shared runtime. `webpack --mode production` writes dist/;
 * `webpack serve --mode development` serves the same files on https://localhost:3000. */
const fs = require("fs");
const path = require("path");
const CopyWebpackPlugin = require("copy-webpack-plugin");
const CustomFunctionsMetadataPlugin = require("custom-functions-metadata-plugin");
const HtmlWebpackPlugin = require("html-webpack-plugin");
const { DefinePlugin } = require("webpack");

/** What manifest.xml is written with; builds replace it with the add-in's real base URL. */
const DEV_BASE_URL = "https://localhost:3000";
const DEV_PORT = 3000;
/** Store validation requires Office.js from Microsoft's CDN; offline tests route this URL to @microsoft/office-js. */
const OFFICE_JS_URL = "https://appsforoffice.microsoft.com/lib/1/hosted/office.js";
const FUNCTIONS_ENTRY = "./functions/functions.ts";
const TASKPANE_TEMPLATE = "./taskpane/taskpane.html";

/**
 * The base URL the add-in is served from, from ADDIN_BASE_URL (e.g. https://addin.example.gov.uk
 * or https://host/path): https only, no query or fragment, trailing slashes dropped so
 * "<base>/taskpane.html" is always one slash apart. Unset means a local build for localhost.
 */
function addinBaseUrl(value) {
  if (value === undefined || value.trim() === "") return DEV_BASE_URL;
  let url;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`ADDIN_BASE_URL "${value}" is not a URL; give the https address the add-in is served from, e.g. https://addin.example.gov.uk`);
  }
  if (url.protocol !== "https:") throw new Error(`ADDIN_BASE_URL "${value}" must start with https:// (Office loads add-ins over https only)`);
  if (url.search || url.hash || url.username || url.password) {
    throw new Error(`ADDIN_BASE_URL "${value}" must be a plain address, without a query, fragment or credentials`);
  }
  return url.origin + url.pathname.replace(/\/{2,}/g, "/").replace(/\/+$/, "");
}

/** The manifest for an add-in served from `baseUrl`: manifest.xml is written with the development address. */
function manifestFor(content, baseUrl) {
  return content.split(DEV_BASE_URL).join(baseUrl);
}

/** The task pane's settings (taskpane/config.ts), fixed when the add-in is built. */
const TASKPANE_SETTINGS = ["SVL_API_BASE_URL", "SVL_AUTH_MODE", "SVL_CLIENT_ID", "SVL_API_SCOPE", "SVL_TENANT_ID", "SVL_TIME_ZONE"];

/**
 * DefinePlugin definitions of the task pane's settings from `env`, checked by the task pane's own
 * rules (readConfig in taskpane/config.ts) so that a build which could not sign in fails here,
 * naming what to set. Every name is defined, unset ones as undefined (local mode), so the bundle
 * never reaches for a `process` that a browser does not have.
 */
function taskPaneDefinitions(env) {
  const values = Object.fromEntries(TASKPANE_SETTINGS.map((name) => [name, env[name]?.trim() || undefined]));
  // tsx compiles the one TypeScript file the config needs, so the rules exist once.
  const { readConfig } = require("tsx/cjs/api").require("./taskpane/config.ts", __filename);
  try {
    readConfig(values);
  } catch (error) {
    throw new Error(`Task pane settings (SVL_*): ${error.message}`, { cause: error });
  }
  return Object.fromEntries(TASKPANE_SETTINGS.map((name) => [`process.env.${name}`, values[name] === undefined ? "undefined" : JSON.stringify(values[name])]));
}

/** The page template is the task pane's; the build only insists it loads Office.js from the CDN. */
function checkTemplateLoadsOfficeJs() {
  const template = fs.readFileSync(path.resolve(__dirname, TASKPANE_TEMPLATE), "utf8");
  const loadsOfficeJs = new RegExp(`<script[^>]*\\ssrc=["']${OFFICE_JS_URL.replace(/[./]/g, "\\$&")}["']`);
  if (!loadsOfficeJs.test(template)) {
    throw new Error(`${TASKPANE_TEMPLATE} must load Office.js from ${OFFICE_JS_URL} in <head>, before the add-in's scripts`);
  }
}

/**
 * office-addin-dev-certs makes (once) a localhost certificate signed by a dev CA and installs the CA
 * so Office trusts it. Installing needs admin rights; where that fails (e.g. Linux without sudo) the
 * certificate it made is still used, and the message says which CA file to trust.
 */
async function devServerHttps() {
  const devCerts = require("office-addin-dev-certs");
  const paths = require("office-addin-dev-certs/lib/defaults");
  try {
    const { ca, key, cert } = await devCerts.getHttpsServerOptions();
    return { type: "https", options: { ca, key, cert } };
  } catch (error) {
    const reason = String(error.message).trim();
    if ([paths.caCertificatePath, paths.localhostCertificatePath, paths.localhostKeyPath].every((p) => fs.existsSync(p))) {
      console.warn(
        `\nThe Office dev certificate authority could not be installed (${reason}).\n` +
          `Serving with its localhost certificate anyway: trust ${paths.caCertificatePath} in your browser or system\n` +
          "(or set NODE_EXTRA_CA_CERTS to it for Node clients) before sideloading.\n",
      );
      const read = (p) => fs.readFileSync(p);
      return { type: "https", options: { ca: read(paths.caCertificatePath), key: read(paths.localhostKeyPath), cert: read(paths.localhostCertificatePath) } };
    }
    console.warn(
      `\nCould not make the Office dev certificates (${reason}).\n` +
        "Serving https with a temporary self-signed certificate instead: Excel will refuse to load the add-in until\n" +
        "you run `npx office-addin-dev-certs install` and restart the dev server.\n",
    );
    return "https";
  }
}

module.exports = async (env, argv) => {
  const dev = argv.mode !== "production";
  const baseUrl = dev ? DEV_BASE_URL : addinBaseUrl(process.env.ADDIN_BASE_URL);
  if (!dev && baseUrl === DEV_BASE_URL) {
    console.warn(`ADDIN_BASE_URL is not set: dist/manifest.xml points at ${DEV_BASE_URL} (for sideloading a local build).`);
  }
  checkTemplateLoadsOfficeJs();
  const definitions = taskPaneDefinitions(process.env);
  if (!dev && baseUrl !== DEV_BASE_URL && !process.env.SVL_API_BASE_URL?.trim()) {
    console.warn("ADDIN_BASE_URL is set but SVL_API_BASE_URL is not: the task pane will call the local API at http://localhost:7071/api.");
  }
  if (!dev && baseUrl !== DEV_BASE_URL && process.env.SVL_AUTH_MODE?.trim() !== "entra") {
    console.warn('ADDIN_BASE_URL is set but SVL_AUTH_MODE is not "entra": the task pane will sign in with the local dev issuer, which an API in Azure refuses.');
  }

  return {
    mode: dev ? "development" : "production",
    devtool: "source-map",
    entry: {
      functions: FUNCTIONS_ENTRY,
      taskpane: "./taskpane/index.tsx",
    },
    output: {
      path: path.resolve(__dirname, "dist"),
      filename: "[name].js",
      clean: true,
    },
    resolve: { extensions: [".ts", ".tsx", ".js"] },
    module: {
      rules: [
        {
          test: /\.tsx?$/,
          exclude: /node_modules/,
          // `npm run typecheck` (tsc --noEmit) checks types; the build only transpiles. ES modules
          // (not tsconfig's commonjs) let webpack drop what is never imported, e.g. unused icons.
          use: { loader: "ts-loader", options: { transpileOnly: true, compilerOptions: { module: "esnext", moduleResolution: "bundler" } } },
        },
      ],
    },
    plugins: [
      new DefinePlugin(definitions),
      new CustomFunctionsMetadataPlugin({ output: "functions.json", input: FUNCTIONS_ENTRY }),
      new HtmlWebpackPlugin({
        filename: "taskpane.html",
        template: TASKPANE_TEMPLATE,
        // Shared runtime: the functions register before the task pane renders, in this order.
        chunks: ["functions", "taskpane"],
        chunksSortMode: "manual",
      }),
      new CopyWebpackPlugin({
        patterns: [
          { from: "assets/icon-*.png", to: "assets/[name][ext]" },
          // SupportUrl and LearnMoreUrl in the manifest: how to get help, and privacy.
          { from: "assets/support.html", to: "support.html" },
          {
            from: "manifest.xml",
            to: "manifest.xml",
            transform: (content) => manifestFor(content.toString(), baseUrl),
          },
        ],
      }),
    ],
    performance: { hints: false },
    devServer: {
      port: DEV_PORT,
      // Only `webpack serve` needs certificates; a build must not try to install a CA.
      server: env.WEBPACK_SERVE ? await devServerHttps() : "https",
      headers: { "Access-Control-Allow-Origin": "*" },
      static: false,
    },
  };
};

module.exports.addinBaseUrl = addinBaseUrl;
module.exports.manifestFor = manifestFor;
module.exports.taskPaneDefinitions = taskPaneDefinitions;
