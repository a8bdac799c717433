import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("packsCreate", functionOptions("packsCreate"));
