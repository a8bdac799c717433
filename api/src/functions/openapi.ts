import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("openapi", functionOptions("openapi"));
