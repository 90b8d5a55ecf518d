package dev.portico.admin;

import java.util.List;

/** A group of the API's operations on one kind of resource. */
interface Endpoint {

    List<Operation> operations();
}
