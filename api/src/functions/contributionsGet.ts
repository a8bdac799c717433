import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("contributionsGet", functionOptions("contributionsGet"));
