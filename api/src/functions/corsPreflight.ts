import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("corsPreflight", functionOptions("corsPreflight"));
