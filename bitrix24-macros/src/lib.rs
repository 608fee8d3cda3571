//! placeholder: being written
use proc_macro::TokenStream;

#[proc_macro_attribute]
pub fn bitrix_method(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}
