// A Node.js function for FaasExtensionTest: registered from a .js resource, so it runs on the nodejs runtime.
exports.user_function = ({ text }) => text.toUpperCase() + '!';
