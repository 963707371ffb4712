// A free TCP port on 127.0.0.1, as the doctor finds one for its JupyterLab.
export { freePort } from "../../scripts/doctor/lab.js";
