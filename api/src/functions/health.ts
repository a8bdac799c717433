import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("health", functionOptions("health"));
