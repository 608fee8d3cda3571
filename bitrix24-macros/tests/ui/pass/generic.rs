// Generic structs: the impls carry the serde bounds, so the struct needs none.
use bitrix24_types::{ListMethod, Method, bitrix_method};

#[bitrix_method("entity.item.get", kind = read, response = Vec<R>, list(record = R, records = "items"))]
#[derive(serde::Serialize)]
pub struct EntityItemGet<'a, F, R, const N: usize>
where
    F: Clone,
{
    pub filter: &'a [F],
    pub start: Option<i64>,
    #[serde(skip)]
    pub record: std::marker::PhantomData<(R, [(); N])>,
}

fn assert_list<M: ListMethod>() {}
fn assert_method<M: Method>() {}

fn main() {
    assert_list::<EntityItemGet<'static, u8, serde_json::Value, 2>>();
    assert_method::<EntityItemGet<'static, u8, String, 0>>();
}
