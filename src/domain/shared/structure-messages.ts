/**
 * The structure templates (SEP's wording for these was never observed; this emulator's own, in the
 * style of SEP's MET texts), shared by every document kind. Only how a node name is printed differs
 * between kinds, so that is the one parameter.
 */
export function structureMessages(nodeName: (node: string) => string) {
  return {
    elementMissing: (parent: string, element: string) => `Nodo requerido no encontrado en el nodo ${nodeName(parent)}: ${element}`,
    elementInvalid: (parent: string, element: string) => `Nodo no válido en el nodo ${nodeName(parent)}: ${element}`,
    elementRepeated: (parent: string, element: string) => `Nodo repetido en el nodo ${nodeName(parent)}: ${element}`,
    elementOutOfOrder: (parent: string, element: string) => `Nodo fuera de orden en el nodo ${nodeName(parent)}: ${element}`,
    attributeMissing: (node: string, attribute: string) => `Atributo requerido no encontrado en el nodo ${nodeName(node)}: ${attribute}`,
    attributeEmpty: (node: string, attribute: string) => `Atributo requerido sin valor en el nodo ${nodeName(node)}: ${attribute}`,
    attributeUnknown: (node: string, attribute: string) => `Atributo no permitido en el nodo ${nodeName(node)}: ${attribute}`,
  };
}
