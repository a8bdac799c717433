import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("formsResponses", functionOptions("formsResponses"));
