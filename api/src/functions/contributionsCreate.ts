import { app } from "@azure/functions";
import { functionOptions } from "../register";

app.http("contributionsCreate", functionOptions("contributionsCreate"));
