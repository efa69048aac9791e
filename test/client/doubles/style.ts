/** Stands in for imported .css files. */
export default {}
